import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from '../api/types';
import { ensureSession, hasRole, session, ACCOUNT_ROLES, AUDIT_ROLES, PEOPLE_ROLES, ROBOT_ROLES, SUPERVISE_ROLES } from '../session';
import AppLayout from '../layouts/AppLayout.vue';
import LoginView from '../views/LoginView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** Shown without a session. */
    public?: boolean;
    /** Roles that see this page in the menu; others are sent home (the server enforces it anyway). */
    roles?: readonly Role[];
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
  // The field app (巡护通) on phones: it checks the session itself, so that it also opens offline.
  { path: '/field', name: 'field', component: () => import('../views/FieldView.vue'), meta: { public: true } },
  // What an area's QR code opens (一林一码): for anyone, signed in or not.
  { path: '/p/a/:code', name: 'public-area', component: () => import('../views/PublicAreaView.vue'), meta: { public: true } },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', redirect: { name: 'grids' } },
      { path: 'grids/:code?', name: 'grids', component: () => import('../views/GridView.vue') },
      // 一张图: MapLibre and ECharts load with this page only.
      { path: 'map', name: 'map', component: () => import('../views/MapView.vue') },
      { path: 'areas/:code', name: 'area', component: () => import('../views/AreaView.vue') },
      { path: 'incidents', name: 'incidents', component: () => import('../views/IncidentsView.vue') },
      { path: 'incidents/:id', name: 'incident', component: () => import('../views/IncidentView.vue') },
      // 巡护监管 and 履职考核: the chief office's views of patrols and of chiefs' duties.
      { path: 'patrols', name: 'patrols', component: () => import('../views/PatrolsView.vue'), meta: { roles: SUPERVISE_ROLES } },
      { path: 'compliance', name: 'compliance', component: () => import('../views/ComplianceView.vue') },
      { path: 'spots', name: 'spots', component: () => import('../views/SpotsView.vue') },
      { path: 'cameras', name: 'cameras', component: () => import('../views/CamerasView.vue') },
      // What an alarm notification links to: the camera wall with that alarm open.
      { path: 'alarms/:id', name: 'alarm', component: () => import('../views/CamerasView.vue') },
      { path: 'tasks', name: 'tasks', component: () => import('../views/TasksView.vue') },
      { path: 'reports', name: 'reports', component: () => import('../views/ReportsView.vue') },
      { path: 'contact-sheets', name: 'sheets', component: () => import('../views/SheetsView.vue') },
      // Notifications link to one sheet; the list shows it with its actions.
      { path: 'contact-sheets/:id', redirect: { name: 'sheets' } },
      // 督察: inspections with findings that become contact sheets, and their circulation.
      { path: 'inspections', name: 'inspections', component: () => import('../views/InspectionsView.vue') },
      // 群机器人: WeCom / DingTalk robots per grid and their delivery log.
      { path: 'settings/robots', name: 'robots', component: () => import('../views/RobotsView.vue'), meta: { roles: ROBOT_ROLES } },
      // 账号管理: create accounts, lock and unlock them, end their sessions.
      { path: 'settings/accounts', name: 'accounts', component: () => import('../views/AccountsView.vue'), meta: { roles: ACCOUNT_ROLES } },
      { path: 'people', name: 'people', component: () => import('../views/PeopleView.vue'), meta: { roles: PEOPLE_ROLES } },
      { path: 'audit', name: 'audit', component: () => import('../views/AuditView.vue'), meta: { roles: AUDIT_ROLES } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue') },
    ],
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to) => {
  // Public pages other than the login form never ask who is signed in.
  if (to.meta.public && to.name !== 'login') return true;
  const me = await ensureSession().catch(() => null);
  if (to.meta.public) {
    // A signed-in user who has nothing left to do on the login page goes in.
    if (to.name === 'login' && me && !session.mustChangePassword) {
      const redirect = typeof to.query.redirect === 'string' ? to.query.redirect : '/';
      return redirect.startsWith('/') && !redirect.startsWith('//') ? redirect : '/';
    }
    return true;
  }
  if (!me || session.mustChangePassword) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  if (to.meta.roles && !hasRole(to.meta.roles)) return { name: 'grids' };
  return true;
});
