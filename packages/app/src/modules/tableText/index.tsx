import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { AppRootWrapperBlueprint } from '@backstage/plugin-app-react';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

// Backstage's theme gives every table cell `word-break: break-word`, which lets the browser squeeze a
// column down to one letter: the catalog's name column wrapped "Docker environment platform" one
// syllable per line. Cells wrap between words only; a word longer than its cell still breaks
// (overflow-wrap), but no longer sets the column's minimum width to a single letter.
const useTableTextStyles = makeStyles({
  '@global': {
    'td.MuiTableCell-root': {
      wordBreak: 'normal',
      overflowWrap: 'break-word',
    },
    // whole words need a little more room: denser side padding keeps the catalog's eight columns within
    // a laptop screen beside the open sidebar
    'td.MuiTableCell-sizeSmall, th.MuiTableCell-root': {
      paddingLeft: 12,
      paddingRight: 12,
    },
  },
});

function TableText(props: { children: ReactNode }) {
  useTableTextStyles();
  return <>{props.children}</>;
}

/** Table cells wrap between words, never inside one. */
export const tableTextModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    AppRootWrapperBlueprint.make({
      name: 'table-text',
      params: { component: TableText },
    }),
  ],
});
