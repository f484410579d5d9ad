export * from "./keys";
export * from "./queries";
export * from "./mutations";
export * from "./gates";
export * from "./backups";
export * from "./tasks";
export * from "./remote";
