import "server-only";

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

import { encodeBanError, isBanned } from "@/lib/auth/ban";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { loginSchema } from "@/lib/validation/auth";

/** Sessions are JWTs (Credentials requires it); revocation happens through User.sessionVersion. */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

let dummyHash: Promise<string> | undefined;

/**
 * Verifying against a throwaway hash when the email is unknown makes "no such user" take as long as
 * "wrong password", so response times don't reveal which emails have accounts.
 */
async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("not-the-password-of-any-account");
  await verifyPassword(password, await dummyHash);
  return false;
}

export const authOptions: NextAuthOptions = {
  secret: env.nextAuthSecret,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: {
        email: { label: "Email", type: "email" },
        password: { label: "Password", type: "password" },
      },
      async authorize(credentials) {
        const parsed = loginSchema.safeParse(credentials ?? {});
        if (!parsed.success) return null;
        const { email, password } = parsed.data;

        const user = await db.user.findUnique({ where: { email } });
        const passwordOk = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
        // null → next-auth reports "CredentialsSignin", the same for unknown email and wrong password.
        if (!user || !passwordOk) return null;

        // Only after the password matched: telling a stranger that an account is banned would leak
        // that it exists.
        if (isBanned(user)) throw new Error(encodeBanError(user));

        return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
      },
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
