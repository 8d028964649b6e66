module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    '@backstage/no-relative-monorepo-imports': 'error',
    '@backstage/no-undeclared-imports': 'error',
    '@backstage/no-mixed-plugin-imports': 'error',
  },
});
