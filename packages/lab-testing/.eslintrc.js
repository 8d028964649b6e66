module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    '@backstage/no-relative-monorepo-imports': 'error',
    '@backstage/no-undeclared-imports': 'error',
    // The test backend starts the docker-env backend plugin itself (a node library importing a backend plugin).
    '@backstage/no-mixed-plugin-imports': [
      'error',
      { excludedTargetPackages: ['@docker-env/plugin-docker-env-backend'] },
    ],
  },
});
