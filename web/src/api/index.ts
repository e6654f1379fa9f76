// Typed calls of the linzhang API (`/api/v1`). Types come from the generated OpenAPI schema.
import { request } from './http';
import type {
  AppointmentRequest,
  AreaView,
  AuditPage,
  GridDetail,
  GridSummary,
  LoginRequest,
  LoginResponse,
  Me,
  NewPerson,
  PasswordChangeRequest,
  PersonView,
  PostDetail,
} from './types';

export { ApiError } from './http';

const V1 = '/api/v1';
const seg = encodeURIComponent;

export const api = {
  login: (body: LoginRequest) =>
    request<LoginResponse>(`${V1}/auth/login`, { method: 'POST', body, expectUnauthorized: true }),
  me: () => request<Me>(`${V1}/auth/me`, { expectUnauthorized: true }),
  logout: () => request<void>(`${V1}/auth/logout`, { method: 'POST', expectUnauthorized: true }),
  changePassword: (body: PasswordChangeRequest) =>
    request<void>(`${V1}/auth/password`, { method: 'POST', body, expectUnauthorized: true }),

  rootGrids: () => request<GridSummary[]>(`${V1}/grids`),
  grid: (code: string) => request<GridDetail>(`${V1}/grids/${seg(code)}`),

  post: (id: string) => request<PostDetail>(`${V1}/posts/${seg(id)}`),
  appoint: (postId: string, body: AppointmentRequest) =>
    request<PostDetail>(`${V1}/posts/${seg(postId)}/appointments`, { method: 'POST', body }),

  people: (query: { grid?: string; q?: string }) => request<PersonView[]>(`${V1}/people`, { query }),
  createPerson: (body: NewPerson) => request<PersonView>(`${V1}/people`, { method: 'POST', body }),

  area: (code: string) => request<AreaView>(`${V1}/areas/${seg(code)}`),
  areaQrSvgUrl: (code: string) => `${V1}/areas/${seg(code)}/qr.svg`,
  areaQrPngUrl: (code: string) => `${V1}/areas/${seg(code)}/qr.png`,

  audit: (query: { limit?: number; before?: string; username?: string; action?: string }) =>
    request<AuditPage>(`${V1}/audit`, { query }),
};
