import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/generated/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
      "tmp/**",
      "data/**",
    ],
  },
  {
    // The browser side (docs/architecture.md, "Server and shared code"): components may import
    // values only from browser-safe modules. Modules marked `import "server-only"` already fail
    // the build when a client bundle reaches them; these are the server folders that CLI scripts
    // share and so can't carry that marker. Type-only imports are erased and stay allowed.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@/lib/db/*",
                "@/lib/config/*",
                "@/lib/realtime-server/*",
                "@/lib/doctor/*",
                "@/lib/auth/password",
                "@/lib/auth/login-throttle",
              ],
              allowTypeImports: true,
              message:
                "Server code: components import values only from browser-safe modules (lib/validation, lib/format, names and types). See docs/architecture.md.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
