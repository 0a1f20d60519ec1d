import "./card-table.css";

/** Add to a <Table>: rows become cards under 640 px. Give each cell a data-label (its column name). */
export const CARD_TABLE = "card-table";
/** Add to the flex container of a row's buttons so they wrap on phones. */
export const CARD_ACTIONS = "card-actions";
