/**
 * True when a client call failed because the engine could not be reached or
 * answered 5xx, as opposed to a bad request the app made.
 */
export function isSearchUnavailable(error: unknown): boolean {
  const status = (error as { httpStatus?: unknown }).httpStatus;
  if (typeof status === 'number') return status >= 500;
  const name = (error as { name?: unknown }).name;
  return name === 'HTTPError' || name === 'ServerError' || name === 'TimeoutError' || name === 'AxiosError' || name === 'MissingConfigurationError' || (error as { code?: unknown }).code === 'ECONNREFUSED';
}
