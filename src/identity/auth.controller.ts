import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation, SESSION_CODES } from '../common/openapi.js';
import { CurrentUser, Public } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordRequest, LoginRequest, MeView, RefreshRequest, TokenPair } from './identity.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('identity')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @Operation('login', 'Sign in with username and password', 'Returns a short-lived access token and a rotating refresh token. Repeated failures are throttled (429).')
  @ApiOkResponse({ type: TokenPair })
  @ApiProblems('invalid_credentials', 429)
  login(@Body() body: LoginRequest): Promise<TokenPair> {
    return this.auth.login(body.username, body.password);
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  @Operation('refreshTokens', 'Exchange a refresh token for a new token pair', 'The presented refresh token dies; presenting it again revokes the whole session.')
  @ApiOkResponse({ type: TokenPair })
  @ApiProblems('invalid_refresh_token', 'refresh_token_reused')
  refresh(@Body() body: RefreshRequest): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken);
  }

  @ApiBearerAuth()
  @Post('auth/logout')
  @HttpCode(204)
  @Operation('logout', 'Sign out: revoke the current session and its refresh tokens')
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems(401)
  logout(@CurrentUser() p: Principal): Promise<void> {
    return this.auth.logout(p);
  }

  @ApiBearerAuth()
  @Get('me')
  @Operation('getMe', 'The signed-in user with their agency memberships and roles')
  @ApiOkResponse({ type: MeView })
  @ApiProblems(401)
  me(@CurrentUser() p: Principal): Promise<MeView> {
    return this.users.me(p.id);
  }

  @ApiBearerAuth()
  @Post('me/password')
  @HttpCode(204)
  @Operation('changeMyPassword', 'Change your password (other sessions are signed out)')
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiProblems(...SESSION_CODES, 'invalid_password', 429)
  async changePassword(@CurrentUser() p: Principal, @Body() body: ChangePasswordRequest): Promise<void> {
    await this.users.changeOwnPassword(p, body.currentPassword, body.newPassword, (u, pw) => this.auth.confirmPassword(u.id, pw, 'password_change'));
  }
}
