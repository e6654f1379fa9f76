// Names for the wire types. They are aliases of the generated OpenAPI schema, never redefinitions.
import type { Feature, Geometry, MultiPolygon, Polygon } from 'geojson';
import type { components } from './schema';

type Schemas = components['schemas'];

export type ApiErrorBody = Schemas['ErrorBody'];
export type Role = Schemas['Role'];
export type Me = Schemas['Me'];
export type LoginRequest = Schemas['LoginRequest'];
export type LoginResponse = Schemas['LoginResponse'];
export type PasswordChangeRequest = Schemas['PasswordChange'];
export type GridLevel = Schemas['Level'];
export type GridSummary = Schemas['GridSummary'];
export type GridDetail = Schemas['GridDetail'];
export type PostView = Schemas['PostView'];
export type PostKind = Schemas['PostKind'];
export type NewPost = Schemas['NewPostBody'];
export type PostDetail = Schemas['PostDetail'];
export type TermView = Schemas['TermView'];
export type AppointmentRequest = Schemas['AppointBody'];
export type PersonView = Schemas['PersonView'];
export type NewPerson = Schemas['NewPersonBody'];
export type StaffView = Schemas['StaffView'];
export type StaffKind = Schemas['StaffKind'];
export type NewStaff = Schemas['NewStaffBody'];
export type EndStaff = Schemas['EndStaffBody'];
export type AreaSummary = Schemas['AreaSummary'];
export type AreaView = Schemas['AreaView'];
export type CoverageView = Schemas['CoverageView'];
export type PublicArea = Schemas['PublicArea'];
export type PublicChief = Schemas['PublicChief'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditPage = Schemas['AuditPage'];
export type UserView = Schemas['UserView'];
export type NewUser = Schemas['NewUserBody'];
export type FourSides = Schemas['FourSides'];
export type CodeEntry = Schemas['CodeEntry'];
export type CodeTableView = Schemas['CodeTableView'];
export type IncidentView = Schemas['IncidentView'];
export type IncidentDetail = Schemas['IncidentDetail'];
export type IncidentEventView = Schemas['IncidentEventView'];
export type NewIncident = Schemas['NewIncidentBody'];
export type IncidentAction = Schemas['IncidentAction'];
export type IncidentState = Schemas['IncidentState'];
export type Priority = Schemas['Priority'];
export type IncidentSource = Schemas['IncidentSource'];
// The one map (一张图): layers, their statistics, queries and survey-year change.
export type LayerView = Schemas['LayerView'];
export type FieldSpec = Schemas['FieldSpec'];
export type FieldKind = Schemas['FieldKind'];
export type GeometryKind = Schemas['GeometryKind'];
export type StatsView = Schemas['StatsView'];
export type DimensionStats = Schemas['DimensionStats'];
export type StatValue = Schemas['StatValue'];
export type ForestCover = Schemas['ForestCover'];
export type QueryBody = Schemas['QueryBody'];
export type QueryRegion = Schemas['Region'];
export type QueryResult = Schemas['QueryResult'];
export type QueryHit = Schemas['QueryHit'];
export type ChangeView = Schemas['ChangeView'];
export type ChangeItem = Schemas['ChangeItem'];

/**
 * `GET /layers/{layer}/features/{id}` and `GET /grids/{code}/boundary` answer GeoJSON, which the
 * OpenAPI document states only as an object; these name the members the server writes
 * (crates/server/src/api/layers/mod.rs `feature`, crates/server/src/api/grids.rs `boundary`).
 */
export interface LayerFeature extends Feature<Geometry | null, Record<string, unknown>> {
  id: string;
  year: number;
  area_m2: number | null;
  volume_m3: number | null;
  placement: {
    /** Leaf grid path (`/320200/320205/320205001/320205001001/`) and the overlap in m². */
    grids: { path: string; overlap_m2: number }[];
    areas: { code: string; overlap_m2: number }[];
  };
}

export interface GridBoundary
  extends Feature<Polygon | MultiPolygon | null, { code: string; name: string; level: GridLevel; area_m2: number | null }> {
  id: string;
}
export type NotificationView = Schemas['NotificationView'];
// Monitoring: change-spot batches (疑似变化图斑), cameras and their alarms.
export type BatchView = Schemas['BatchView'];
export type BatchCreated = Schemas['BatchCreated'];
export type CountyStats = Schemas['CountyStats'];
export type VerificationBody = Schemas['VerificationBody'];
export type AttachmentView = Schemas['AttachmentView'];
export type CameraView = Schemas['CameraView'];
export type AlarmView = Schemas['AlarmView'];
export type DecisionBody = Schemas['DecisionBody'];

/** The properties of a change spot as `/change-batches/{id}/spots` sends them (its
 *  sub-compartment's attributes come along under their own names). */
export interface SpotProperties {
  seq: number;
  state: 'pending' | 'verified';
  grid_code: string;
  area_code: string | null;
  area_m2: number;
  suspected_cause: string;
  verified_cause: string | null;
  legal: boolean | null;
  permit: string | null;
  verified_area_m2: number | null;
  note: string | null;
  verified_by: string | null;
  verified_at: string | null;
  incident_id: string | null;
  lon: number;
  lat: number;
  [attribute: string]: unknown;
}

// Imagery (B1): registered scenes drawn as raster tiles.
export type SceneView = Schemas['SceneView'];
// Task lists (清单化任务) and work contact sheets (林长工作联系单).
export type TaskView = Schemas['TaskView'];
export type ProgressBody = Schemas['ProgressBody'];
export type TaskDetail = Schemas['TaskDetail'];
export type TaskProgress = Schemas['Progress'];
export type NewTask = Schemas['NewTaskBody'];
export type SheetView = Schemas['SheetView'];
export type SheetDetail = Schemas['SheetDetail'];
export type SheetAction = Schemas['SheetAction'];
export type SheetState = Schemas['SheetState'];
export type NewSheet = Schemas['NewSheetBody'];
export type CheckinBody = Schemas['CheckinBody'];
export type PatrolStartBody = Schemas['StartBody'];
export type LivePatrol = Schemas['LivePatrol'];
export type TrackPointView = Schemas['TrackPointView'];
export type ChiefCompliance = Schemas['ChiefCompliance'];
export type MeetingCompliance = Schemas['MeetingCompliance'];
export type PatrolPoint = Schemas['PointBody'];
export type PatrolAction = Schemas['PatrolAction'];
export type PatrolView = Schemas['PatrolView'];
export type ReportBoard = Schemas['ReportBoard'];
export type BoardRow = Schemas['BoardRow'];
export type ReportStatus = Schemas['ReportStatus'];
export type ReportSubmit = Schemas['ReportSubmit'];
export type ReportView = Schemas['ReportView'];
export type ReportDraft = Schemas['ReportDraft'];
export type ServiceEntryBody = Schemas['ServiceEntryBody'];
export type ServiceEntryView = Schemas['ServiceEntryView'];
export type BreakdownBody = Schemas['BreakdownBody'];
// Inspections (督察) with findings that become contact sheets, and their circulation (通报).
export type InspectionView = Schemas['InspectionView'];
export type InspectionKind = Schemas['InspectionKind'];
export type NewInspection = Schemas['NewInspectionBody'];
export type FindingView = Schemas['FindingBody'];
export type FindingSheet = Schemas['FindingSheetBody'];
// Group-chat robots (群机器人) per grid and their delivery log (推送记录).
export type WebhookView = Schemas['WebhookView'];
export type WebhookBody = Schemas['WebhookBody'];
export type RobotKind = Schemas['RobotKind'];
export type DeliveryView = Schemas['DeliveryView'];
