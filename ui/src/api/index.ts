export * from "./client";
export * from "./commands";
export * from "./tasks";
