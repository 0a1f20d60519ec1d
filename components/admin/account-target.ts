/** Who an account action is for: a roster row, a users-table row and the user page's account all fit. */
export interface AccountTarget {
  userId: string;
  name: string;
  email: string;
}
