import {
  Link,
  sidebarConfig,
  useSidebarOpenState,
} from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { makeStyles } from '@material-ui/core';
import DnsIcon from '@material-ui/icons/Dns';

const useSidebarLogoStyles = makeStyles({
  root: {
    width: sidebarConfig.drawerWidthClosed,
    height: 3 * sidebarConfig.logoHeight,
    display: 'flex',
    flexFlow: 'row nowrap',
    alignItems: 'center',
    marginBottom: -14,
  },
  link: {
    marginLeft: 22,
    display: 'flex',
    alignItems: 'center',
    gap: 8,
    color: '#7df3e1',
    whiteSpace: 'nowrap',
  },
  title: {
    fontSize: 17,
    fontWeight: 700,
    lineHeight: 1.1,
    whiteSpace: 'normal',
    width: sidebarConfig.drawerWidthOpen - 80,
  },
});

/** The portal's own name (`app.title`) beside its icon, not Backstage's logo. */
export const SidebarLogo = () => {
  const classes = useSidebarLogoStyles();
  const { isOpen } = useSidebarOpenState();
  const title =
    useApi(configApiRef).getOptionalString('app.title') ?? 'Developer portal';

  return (
    <div className={classes.root}>
      <Link
        to="/"
        underline="none"
        className={classes.link}
        aria-label={`${title} home`}
      >
        <DnsIcon fontSize="large" />
        {isOpen && <span className={classes.title}>{title}</span>}
      </Link>
    </div>
  );
};
