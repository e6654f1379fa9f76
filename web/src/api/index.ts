// Typed calls of the linzhang API (`/api/v1`). Types come from the generated OpenAPI schema.
import { request } from './http';
import type {
  AlarmView,
  AttachmentView,
  AppointmentRequest,
  BatchCreated,
  BatchView,
  CameraView,
  CountyStats,
  CoverageView,
  DecisionBody,
  VerificationBody,
  AreaView,
  AuditPage,
  ChangeView,
  CodeTableView,
  EndStaff,
  GridBoundary,
  GridDetail,
  GridSummary,
  IncidentAction,
  IncidentDetail,
  IncidentState,
  IncidentView,
  LayerFeature,
  LayerView,
  LoginRequest,
  LoginResponse,
  Me,
  ReportBoard,
  ReportDraft,
  ReportSubmit,
  ReportView,
  ServiceEntryBody,
  ServiceEntryView,
  NewIncident,
  NewPerson,
  NewPost,
  NewStaff,
  NotificationView,
  PatrolView,
  LivePatrol,
  ChiefCompliance,
  MeetingCompliance,
  PasswordChangeRequest,
  PersonView,
  PostDetail,
  PostView,
  PublicArea,
  QueryBody,
  QueryResult,
  SceneView,
  SheetAction,
  SheetDetail,
  SheetState,
  SheetView,
  StaffView,
  StatsView,
  TaskDetail,
  TaskView,
  NewTask,
  BreakdownBody,
  NewSheet,
  InspectionView,
  NewInspection,
  FindingSheet,
  WebhookView,
  WebhookBody,
  DeliveryView,
  NewUser,
  UserView,
} from './types';

import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { SpotProperties } from './types';

export { ApiError } from './http';

const V1 = '/api/v1';
const seg = encodeURIComponent;

export const api = {
  notifications: (unread: boolean) =>
    request<NotificationView[]>(`${V1}/notifications${unread ? '?unread=true' : ''}`),
  markRead: (ids: string[]) =>
    request<{ marked: number }>(`${V1}/notifications/read`, { method: 'POST', body: { ids } }),
  login: (body: LoginRequest) =>
    request<LoginResponse>(`${V1}/auth/login`, { method: 'POST', body, expectUnauthorized: true }),
  me: () => request<Me>(`${V1}/auth/me`, { expectUnauthorized: true }),
  logout: () => request<void>(`${V1}/auth/logout`, { method: 'POST', expectUnauthorized: true }),
  changePassword: (body: PasswordChangeRequest) =>
    request<void>(`${V1}/auth/password`, { method: 'POST', body, expectUnauthorized: true }),

  rootGrids: () => request<GridSummary[]>(`${V1}/grids`),
  grid: (code: string) => request<GridDetail>(`${V1}/grids/${seg(code)}`),

  createPost: (gridCode: string, body: NewPost) =>
    request<PostView>(`${V1}/grids/${seg(gridCode)}/posts`, { method: 'POST', body }),
  addStaff: (gridCode: string, body: NewStaff) =>
    request<StaffView>(`${V1}/grids/${seg(gridCode)}/staff`, { method: 'POST', body }),
  endStaff: (staffId: string, body: EndStaff) =>
    request<StaffView>(`${V1}/staff/${seg(staffId)}/end`, { method: 'POST', body }),

  post: (id: string) => request<PostDetail>(`${V1}/posts/${seg(id)}`),
  appoint: (postId: string, body: AppointmentRequest) =>
    request<PostDetail>(`${V1}/posts/${seg(postId)}/appointments`, { method: 'POST', body }),

  people: (query: { grid?: string; q?: string }) => request<PersonView[]>(`${V1}/people`, { query }),
  createPerson: (body: NewPerson) => request<PersonView>(`${V1}/people`, { method: 'POST', body }),

  area: (code: string) => request<AreaView>(`${V1}/areas/${seg(code)}`),
  /** This month's patrol coverage of a responsibility area (supervisors only). */
  areaCoverage: (code: string) => request<CoverageView>(`${V1}/areas/${seg(code)}/coverage`),
  areaQrSvgUrl: (code: string) => `${V1}/areas/${seg(code)}/qr.svg`,
  areaQrPngUrl: (code: string) => `${V1}/areas/${seg(code)}/qr.png`,
  /** The page a QR code opens (一林一码): no session needed, so a 401 never leads to the login page. */
  publicArea: (code: string) =>
    request<PublicArea>(`${V1}/public/areas/${seg(code)}`, { expectUnauthorized: true }),

  audit: (query: { limit?: number; before?: string; username?: string; action?: string }) =>
    request<AuditPage>(`${V1}/audit`, { query }),

  codeTable: (name: string) => request<CodeTableView>(`${V1}/code-tables/${seg(name)}`),

  // Accounts (账号管理), admins only: created with a temporary password to change at first login.
  users: () => request<UserView[]>(`${V1}/users`),
  createUser: (body: NewUser) => request<UserView>(`${V1}/users`, { method: 'POST', body }),
  /** Disable an account until unlocked; its sessions end. */
  lockUser: (username: string) => request<void>(`${V1}/users/${seg(username)}/lock`, { method: 'POST' }),
  /** Enable an account again, also ending a lock from failed logins. */
  unlockUser: (username: string) => request<void>(`${V1}/users/${seg(username)}/unlock`, { method: 'POST' }),
  resetPassword: (username: string, password: string) =>
    request<void>(`${V1}/users/${seg(username)}/password`, { method: 'POST', body: { password } }),
  revokeSessions: (username: string) =>
    request<void>(`${V1}/users/${seg(username)}/revoke-sessions`, { method: 'POST' }),

  incidents: (query: { state?: IncidentState; grid?: string; limit?: number }) =>
    request<IncidentView[]>(`${V1}/incidents`, { query }),
  incident: (id: string) => request<IncidentDetail>(`${V1}/incidents/${seg(id)}`),
  reportIncident: (body: NewIncident) => request<IncidentView>(`${V1}/incidents`, { method: 'POST', body }),
  incidentAction: (id: string, body: IncidentAction) =>
    request<IncidentView>(`${V1}/incidents/${seg(id)}/actions`, { method: 'POST', body }),

  tasks: (query: { mine?: 'true' }) => request<TaskView[]>(`${V1}/tasks`, { query }),
  task: (id: string) => request<TaskDetail>(`${V1}/tasks/${seg(id)}`),
  /** Issue a task (目标任务) at a grid in the caller's scope. */
  createTask: (body: NewTask) => request<TaskDetail>(`${V1}/tasks`, { method: 'POST', body }),
  /** Break a task down to its grid's children (分解下达); the server checks the sum. */
  breakDownTask: (id: string, body: BreakdownBody) =>
    request<TaskDetail>(`${V1}/tasks/${seg(id)}/breakdown`, { method: 'POST', body }),

  contactSheets: (query: { status?: SheetState | 'escalated'; overdue?: 'true' }) =>
    request<SheetView[]>(`${V1}/contact-sheets`, { query }),
  contactSheet: (id: string) => request<SheetDetail>(`${V1}/contact-sheets/${seg(id)}`),
  createSheet: (body: NewSheet) => request<SheetView>(`${V1}/contact-sheets`, { method: 'POST', body }),

  inspections: () => request<InspectionView[]>(`${V1}/inspections`),
  inspection: (id: string) => request<InspectionView>(`${V1}/inspections/${seg(id)}`),
  createInspection: (body: NewInspection) =>
    request<InspectionView>(`${V1}/inspections`, { method: 'POST', body }),
  /** Turn finding `index` (from 0) into a contact sheet to the inspected grid. */
  findingSheet: (id: string, index: number, body: FindingSheet) =>
    request<SheetView>(`${V1}/inspections/${seg(id)}/findings/${index}/sheet`, { method: 'POST', body }),
  /** Circulate the result (通报), once. */
  circulateInspection: (id: string) =>
    request<InspectionView>(`${V1}/inspections/${seg(id)}/circulate`, { method: 'POST' }),

  webhooks: () => request<WebhookView[]>(`${V1}/webhooks`),
  createWebhook: (body: WebhookBody) => request<WebhookView>(`${V1}/webhooks`, { method: 'POST', body }),
  deleteWebhook: (id: string) => request<void>(`${V1}/webhooks/${seg(id)}`, { method: 'DELETE' }),
  webhookDeliveries: (id: string) => request<DeliveryView[]>(`${V1}/webhooks/${seg(id)}/deliveries`),
  /** Post a test message to one robot (it shows in the delivery log). */
  testWebhook: (id: string) => request<DeliveryView>(`${V1}/webhooks/${seg(id)}/test`, { method: 'POST' }),
  sheetAction: (id: string, body: SheetAction) =>
    request<SheetView>(`${V1}/contact-sheets/${seg(id)}/actions`, { method: 'POST', body }),
  /** Every report expected under a grid in a year, with its status (报送). */
  reportBoard: (query: { grid?: string; year?: number }) => request<ReportBoard>(`${V1}/reports`, { query }),
  reportDraft: (periodKey: string) => request<ReportDraft>(`${V1}/reports/draft`, { query: { period_key: periodKey } }),
  submitReport: (body: ReportSubmit) => request<ReportView>(`${V1}/reports`, { method: 'POST', body }),
  serviceLog: (query: { grid?: string; from?: string; to?: string }) =>
    request<ServiceEntryView[]>(`${V1}/service-log`, { query }),
  addServiceEntry: (body: ServiceEntryBody) => request<ServiceEntryView>(`${V1}/service-log`, { method: 'POST', body }),
  /** The caller's own patrols, newest first. */
  myPatrols: () => request<PatrolView[]>(`${V1}/patrols`, { query: { mine: 'true' } }),
  /** Who is on patrol now and today's patrols with last positions (and tracks); audited. */
  livePatrols: (tracks: boolean) => request<LivePatrol[]>(`${V1}/patrols/live`, { query: tracks ? { tracks: 'true' } : {} }),
  /** Chief patrols done against the rule, in the periods containing `date` (YYYY-MM-DD). */
  chiefCompliance: (date?: string) => request<ChiefCompliance[]>(`${V1}/compliance/chief-patrols`, { query: { date } }),
  /** Chief meetings held against the rule, in the periods containing `date`. */
  meetingCompliance: (date?: string) => request<MeetingCompliance[]>(`${V1}/compliance/meetings`, { query: { date } }),

  gridBoundary: (code: string) => request<GridBoundary>(`${V1}/grids/${seg(code)}/boundary`),

  layers: () => request<LayerView[]>(`${V1}/layers`),
  layerFeature: (layer: string, id: string) => request<LayerFeature>(`${V1}/layers/${seg(layer)}/features/${seg(id)}`),
  layerStats: (layer: string, query: { target?: string; year?: number }) =>
    request<StatsView>(`${V1}/layers/${seg(layer)}/stats`, { query }),
  layerQuery: (layer: string, body: QueryBody) =>
    request<QueryResult>(`${V1}/layers/${seg(layer)}/query`, { method: 'POST', body }),
  layerChange: (layer: string, query: { before: number; after: number; target?: string }) =>
    request<ChangeView>(`${V1}/layers/${seg(layer)}/change`, { query }),
  /** TileJSON of a layer's vector tiles (MapLibre fetches it and the tiles with the session cookie). */
  tileJsonUrl: (layer: string, year?: number) =>
    `${location.origin}/tiles/${seg(layer)}.json${year !== undefined ? `?year=${year}` : ''}`,

  // Monitoring (D1, D2): change-spot batches and their field verification; cameras and alarms.
  changeBatches: () => request<BatchView[]>(`${V1}/change-batches`),
  createChangeBatch: (name: string, patches: unknown) =>
    request<BatchCreated>(`${V1}/change-batches`, { method: 'POST', query: { name }, body: patches }),
  changeSpots: (batch: string, state?: 'pending' | 'verified') =>
    request<FeatureCollection<Geometry | null, SpotProperties>>(`${V1}/change-batches/${seg(batch)}/spots`, { query: { state } }),
  changeBatchStats: (batch: string) => request<CountyStats[]>(`${V1}/change-batches/${seg(batch)}/stats`),
  changeBatchExportUrl: (batch: string, format: string) =>
    `${V1}/change-batches/${seg(batch)}/export?format=${seg(format)}`,
  verifySpot: (spot: string, body: VerificationBody) =>
    request<Feature<Geometry | null, SpotProperties>>(`${V1}/change-spots/${seg(spot)}/verification`, { method: 'POST', body }),
  /** The photos of a spot's field verification (核实照片), oldest first. */
  spotPhotos: (spot: string) => request<AttachmentView[]>(`${V1}/change-spots/${seg(spot)}/photos`),
  cameras: () => request<CameraView[]>(`${V1}/cameras`),
  alarms: (state?: 'pending' | 'confirmed' | 'dismissed') => request<AlarmView[]>(`${V1}/alarms`, { query: { state } }),
  alarmImageUrl: (id: string) => `${V1}/alarms/${seg(id)}/image`,
  decideAlarm: (id: string, body: DecisionBody) =>
    request<AlarmView>(`${V1}/alarms/${seg(id)}/decision`, { method: 'POST', body }),
  /** Registered imagery scenes, newest first. */
  imagery: () => request<SceneView[]>(`${V1}/imagery`),
  /** The raster tile URL template of a scene in a mode (`true`, `false`, `ndvi`). */
  imageryTileUrl: (id: string, mode: string) =>
    `${location.origin}/tiles/imagery/${seg(id)}/${seg(mode)}/{z}/{x}/{y}.png`,
};
