import "server-only";

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

import { authorizeCredentials } from "@/lib/auth/authorize-credentials";
import { authCookies, usesSecureCookies } from "@/lib/auth/cookies";
import { env } from "@/lib/env";

/** Sessions are JWTs (Credentials requires it); revocation happens through User.sessionVersion. */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export const authOptions: NextAuthOptions = {
  // Getters: the environment is read per request, never at import (`next build` imports this
  // module without NEXTAUTH_SECRET; see lib/env.ts).
  get secret() {
    return env.nextAuthSecret;
  },
  // Explicit rather than next-auth's guess from NEXTAUTH_URL; `__Host-` cookies under https.
  get useSecureCookies() {
    return usesSecureCookies(env.nextAuthUrl);
  },
  get cookies() {
    return authCookies(env.nextAuthUrl);
  },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      // Throttling, password check (argon2id, off the event loop), ban check, hash upgrade.
      authorize: (credentials, req) => authorizeCredentials(credentials, req?.headers),
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // `user` is only present on the sign-in request; later requests keep the claims already in the token.
      if (user) {
        token.id = user.id;
        token.role = user.role;
        token.sessionVersion = user.sessionVersion;
        token.name = user.name;
        token.email = user.email;
      }
      return token;
    },
    session({ session, token }) {
      session.user = {
        id: token.id ?? "",
        name: token.name ?? "",
        email: token.email ?? "",
        role: token.role ?? "USER",
      };
      session.sessionVersion = token.sessionVersion ?? -1;
      return session;
    },
  },
};
