/**
 * The sign-in errors that are nobody's fault on the form: codes next-auth carries from `authorize`
 * to the login page (like lib/auth/ban-status.ts and login-throttle-message.ts, no server imports: the
 * form uses them), and the sentences the page shows.
 */

/** The database could not be reached; trying again in a few seconds will work. */
export const SIGNIN_UNAVAILABLE_ERROR = "SignInUnavailable";
/** Something unexpected failed; the details are in the server's log, never in the browser. */
export const SIGNIN_FAILED_ERROR = "SignInFailed";

export const SIGNIN_UNAVAILABLE_MESSAGE = "Sign-in is temporarily unavailable. Try again shortly.";
export const SIGNIN_FAILED_MESSAGE = "Signing in failed. Please try again in a moment.";
