import type { Role } from "@/lib/db/model-types";

// next-auth's defaults carry only name/email/image; the app needs the user id (every query keys on
// it), the role (admin pages and channels) and sessionVersion (server-side JWT revocation).
declare module "next-auth" {
  interface User {
    id: string;
    role: Role;
    sessionVersion: number;
  }

  interface Session {
    user: {
      id: string;
      name: string;
      email: string;
      role: Role;
    };
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  // Optional because the jwt callback first sees a token without them; lib/auth/session.ts
  // validates them before trusting a token.
  interface JWT {
    id?: string;
    role?: Role;
    sessionVersion?: number;
  }
}
