import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';
import { tableTextModule } from './modules/tableText';

// Plugins (catalog, scaffolder, search, notifications, user settings, docker-env) are
// discovered from this package's dependencies (`app.packages: all` in app-config.yaml).
export default createApp({
  features: [navModule, signInModule, tableTextModule],
});
