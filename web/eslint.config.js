import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    files: ['src/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ['e2e/**/*.mjs', '*.config.{js,ts}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': ['warn', { html: { void: 'always', normal: 'never', component: 'always' } }],
      '@typescript-eslint/consistent-type-imports': 'warn',
      // Wire types come from the generated schema (src/api/types.ts names them); never redefine them.
      'no-restricted-syntax': [
        'warn',
        {
          selector: `:matches(TSInterfaceDeclaration, TSTypeAliasDeclaration[typeAnnotation.type="TSTypeLiteral"])[id.name=/^(${[
            'ErrorBody', 'Me', 'RoleName', 'LoginRequest', 'LoginResponse', 'PasswordChange', 'GridSummary',
            'GridDetail', 'LevelName', 'PostView', 'PostDetail', 'PostKindName', 'TermView', 'PersonSummary',
            'PersonView', 'NewPersonBody', 'AppointBody', 'StaffView', 'StaffKindName', 'AreaSummary', 'AreaView',
            'CodeLabel', 'FourSides', 'AuditEntry', 'AuditPage',
          ].join('|')})$/]`,
          message: 'API types come from src/api/schema.d.ts (components["schemas"]) via src/api/types.ts.',
        },
      ],
    },
  },
);
