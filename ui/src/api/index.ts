export * from "./client";
export * from "./commands";
export * from "./menu";
export * from "./tasks";
export * from "./log";
