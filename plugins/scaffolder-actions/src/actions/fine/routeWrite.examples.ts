import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples shown in the scaffolder's action list; a test runs each through the handler. */
export const examples: TemplateExample[] = [
  {
    description: 'Route a team service at <name>.<base domain>',
    example: yaml.stringify({
      steps: [
        {
          id: 'route',
          action: 'docker-env:route:write',
          name: 'Write the route',
          input: { name: 'ci-runner-1', ip: '10.10.0.50', port: 8080 },
        },
      ],
    }),
  },
];
