export { Inbox } from "./inbox";
