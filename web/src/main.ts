import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import './style.css';
import App from './App.vue';
import { i18n, setLocale } from './i18n';
import { router } from './router';
import { setAuthHooks } from './api/http';
import { clearSession, requirePasswordChange, session } from './session';

setAuthHooks({
  onUnauthorized() {
    if (!session.checked) return; // The router guard handles the first check.
    clearSession();
    const current = router.currentRoute.value;
    // A public page (the QR code's area page) stays where it is.
    if (current.name !== 'login' && !current.meta.public) {
      void router.push({ name: 'login', query: { redirect: current.fullPath, expired: '1' } });
    }
  },
  onPasswordChangeRequired() {
    requirePasswordChange();
    // During the first check the router guard does the redirect itself.
    const current = router.currentRoute.value;
    if (session.checked && current.name !== 'login' && !current.meta.public) void router.push({ name: 'login' });
  },
});

setLocale(i18n.global.locale.value);

createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app');
