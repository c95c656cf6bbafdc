/**
 * An error that the API layer serializes in the AWS restJson1 shape:
 * HTTP status from the model's error shape, header `x-amzn-ErrorType: <code>`, body `{"Message": "..."}`.
 * Handlers, the store and the jobs throw these; anything else becomes a 500 InternalServerException (and is logged).
 */
export type AwsErrorCode =
  | 'BadRequestException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException'
  | 'InternalServerException';

export const ERROR_STATUS: Record<AwsErrorCode, number> = {
  BadRequestException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  InternalServerException: 500,
};

export class AwsError extends Error {
  readonly status: number;
  constructor(readonly code: AwsErrorCode, message: string) {
    super(message);
    this.name = code;
    this.status = ERROR_STATUS[code];
  }
}

export const badRequest = (message: string) => new AwsError('BadRequestException', message);
export const notFound = (message: string) => new AwsError('ResourceNotFoundException', message);
export const accessDenied = (message: string) => new AwsError('AccessDeniedException', message);
