// The console's tabs, in the order of the bar. Each module's default export is a tab:
// { id, title: {zh, en}, mount(panel, ctx) -> { shown() } }  (see README.md in this folder).
import audit from "./audit.js";
import complaints from "./complaints.js";
import emergency from "./emergency.js";
import floor from "./floor.js";
import reports from "./reports.js";

export default [floor, complaints, reports, emergency, audit];
