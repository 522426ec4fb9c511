// The undici modules transport.ts imports one by one, typed as undici's index exports them.
declare module 'undici/lib/api/api-connect.js' {
  import type { Dispatcher } from 'undici';
  const connect: Dispatcher['connect'];
  export default connect;
}
declare module 'undici/lib/dispatcher/dispatcher.js' {
  import { Dispatcher } from 'undici';
  export default Dispatcher;
}
declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import { EnvHttpProxyAgent } from 'undici';
  export default EnvHttpProxyAgent;
}
declare module 'undici/lib/web/fetch/index.js' {
  export { fetch } from 'undici';
}
declare module 'undici/lib/web/fetch/formdata.js' {
  export { FormData } from 'undici';
}
declare module 'undici/lib/web/fetch/headers.js' {
  export { Headers } from 'undici';
}
declare module 'undici/lib/web/fetch/request.js' {
  export { Request } from 'undici';
}
declare module 'undici/lib/web/fetch/response.js' {
  export { Response } from 'undici';
}
