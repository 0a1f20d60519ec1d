export { RealtimeProvider, useRealtime, type RealtimeContextValue } from "./realtime-provider";
export { RealtimeIndicator, RealtimeStatusLine, TerminatedBanner } from "./realtime-status";
export { ReceivedMessages } from "./received-messages";
export { describeStatus, TERMINATED_MESSAGE, type ReceivedMessage, type RealtimeState, type RealtimeStatus } from "./state";
