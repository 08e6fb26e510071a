// The member self-service page (/m/) and its API, one-time codes and member sessions.
export { memberPortalRoutes, MEMBER_COOKIE } from './member-portal-routes.js';
export { MemberPortalService, type MemberOverview } from './member-portal-service.js';
export { OtpService, DEFAULT_OTP_LIMITS, type OtpLimits } from './otp-service.js';
export { MemberSessionService } from './member-session-service.js';
export { memberPageClientScript } from './member-page-bundle.js';
