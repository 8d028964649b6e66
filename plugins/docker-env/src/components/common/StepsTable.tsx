import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { OperationStepRecord } from '../../api';
import { formatDuration } from './format';

/**
 * An operation's steps, one row each: name, status, time taken and the error; `extra` adds what a kind of
 * operation shows under the error (a rollout's logs), `footer` what follows the table.
 */
export function StepsTable(props: {
  label: string;
  steps: OperationStepRecord[];
  extra?: (step: OperationStepRecord) => ReactNode;
  footer?: ReactNode;
}) {
  return (
    <Box pl={4} pr={2} pb={1}>
      <table aria-label={props.label}>
        <tbody>
          {props.steps.map(step => (
            <tr key={step.name}>
              <td>{step.name}</td>
              <td>{step.status}</td>
              <td>{formatDuration(step.startedAt, step.endedAt)}</td>
              <td>
                {step.error && (
                  <Typography variant="body2" color="error">
                    {step.error}
                  </Typography>
                )}
                {props.extra?.(step)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.footer}
    </Box>
  );
}
