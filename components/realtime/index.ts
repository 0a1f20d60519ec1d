export { RealtimeProvider, useRealtime, type RealtimeContextValue } from "./realtime-provider";
export { DisconnectionNotice } from "./disconnection-notice";
export { RealtimeIndicator, RealtimeStatusLine } from "./realtime-status";
export { describeStatus, TERMINATED_MESSAGE, type ReceivedMessage, type RealtimeState, type RealtimeStatus } from "./state";
export { postReceipt } from "./post-receipt";
export { useChannelEvent, useChannelLiveState, type ChannelLiveState } from "./use-channel-event";
