import { errorResponses, json } from './components';

/** Paths of the Portainer team sync (admins). */
export const teamPaths = {
  '/team-sync': {
    post: {
      operationId: 'triggerTeamSync',
      description:
        "Admins: run the Portainer team membership sync now (every managed team's members made equal to its owner's direct members in the catalog). Triggers the scheduled task, so one pass runs across all replicas; 202 once triggered, the pass itself runs in the background and audits each change.",
      responses: {
        '202': {
          description: 'The pass was triggered.',
          content: json({
            type: 'object',
            additionalProperties: false,
            required: ['triggered', 'taskId'],
            properties: {
              triggered: { type: 'boolean' },
              taskId: { type: 'string' },
            },
          }),
        },
        '409': {
          description:
            'A pass is running now (its changes land in the audit log), or the sync is disabled (`dockerEnv.teamSync.enabled: false`).',
          content: json({ $ref: '#/components/schemas/Error' }),
        },
        ...errorResponses,
      },
    },
  },
} as const;
