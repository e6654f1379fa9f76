// Names for the wire types. They are aliases of the generated OpenAPI schema, never redefinitions.
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
export type PublicArea = Schemas['PublicArea'];
export type PublicChief = Schemas['PublicChief'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditPage = Schemas['AuditPage'];
export type FourSides = Schemas['FourSides'];
