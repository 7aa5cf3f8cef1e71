export * from "./members/results";
export * from "./members/requests";
export * from "./images/results";
export * from "./images/requests";
