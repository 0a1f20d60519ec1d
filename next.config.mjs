/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Native/optional-dependency packages stay as Node requires instead of being bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "ws", "bcryptjs"],
  poweredByHeader: false,
};

export default nextConfig;
