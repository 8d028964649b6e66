import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples shown in the scaffolder's action list; a test runs each through the handler. */
export const examples: TemplateExample[] = [
  {
    description: "Register a CT's agent for a team",
    example: yaml.stringify({
      steps: [
        {
          id: 'portainer',
          action: 'docker-env:portainer:register',
          name: 'Register in Portainer',
          input: {
            name: 'ci-runner-1',
            ip: '10.10.0.50',
            owner: 'group:default/team-a',
            members: ['alice'],
          },
        },
      ],
    }),
  },
];
