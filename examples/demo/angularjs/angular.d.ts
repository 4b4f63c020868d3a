// AngularJS 1.x ships no type declarations; the demo only hands the global to crossauthModule.
declare module 'angular' {
  const angular: unknown;
  export default angular;
}
