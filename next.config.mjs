/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native/optional-dependency packages stay as Node requires instead of being bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "ws", "bcryptjs"],
  poweredByHeader: false,
  experimental: {
    // Pages are the only thing proxy.ts matches, and none takes a large body: don't buffer 10 MB for it.
    proxyClientMaxBodySize: "64kb",
    // forbidden() (lib/auth/session.ts requireAdmin): signed-in non-admins get app/forbidden.tsx
    // with a real 403 status at the URL they asked for, instead of a redirect answering 200.
    authInterrupts: true,
  },
  // proxy.ts skips the JSON endpoints (it would buffer their bodies); they render no HTML, so a
  // static policy that allows nothing is all they need.
  async headers() {
    const apiHeaders = [
      { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
      { key: "X-Frame-Options", value: "DENY" },
    ];
    return [
      { source: "/api/:path*", headers: apiHeaders },
      { source: "/pusher/:path*", headers: apiHeaders },
    ];
  },
};

export default nextConfig;
