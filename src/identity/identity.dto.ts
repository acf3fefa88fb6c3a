import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsNotEmpty, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { ROLES } from '../access/roles.js';
import { PageQuery } from '../common/pagination.js';
import { Omittable } from '../common/validation.js';
import { IsAcceptablePassword, PASSWORD_MAX, PASSWORD_MIN } from './password-policy.js';

const PASSWORD_RULE = `At least ${PASSWORD_MIN} characters, and not a common or easily guessed password (nor one built from your username or name).`;

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

export class LoginRequest {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class RefreshRequest {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken: string;
}

export class MembershipView {
  @ApiProperty({ format: 'uuid' }) agencyId: string;
  @ApiProperty({ example: 'UBND-KT' }) agencyCode: string;
  @ApiProperty({ example: 'Ủy ban nhân dân tỉnh Kon Tum' }) agencyName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: string[];
}

export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'nguyenvana' }) username: string;
  @ApiProperty({ example: 'Nguyễn Văn A' }) fullName: string;
  @ApiProperty({ nullable: true, type: String, example: 'Phó Chủ tịch' }) title: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'a.nv@kontum.gov.vn' }) email: string | null;
  @ApiProperty() isAdmin: boolean;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class MeView extends UserView {
  @ApiProperty({ type: [MembershipView] }) memberships: MembershipView[];
}

export class TokenPair {
  @ApiProperty() accessToken: string;
  @ApiProperty() refreshToken: string;
  @ApiProperty({ description: 'Access token lifetime in seconds.', example: 900 }) expiresIn: number;
  @ApiProperty({ example: 'Bearer' }) tokenType: string;
  @ApiProperty({ type: MeView }) user: MeView;
}

export class CreateUserRequest {
  @ApiProperty({ example: 'nguyenvana', pattern: USERNAME_PATTERN.source })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'must be 3-64 letters, digits, dots, hyphens or underscores, starting with a letter or digit' })
  username: string;

  @ApiProperty({ example: 'Nguyễn Văn A' })
  @IsString()
  @Length(1, 200)
  fullName: string;

  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: PASSWORD_RULE })
  @IsString()
  @IsAcceptablePassword()
  password: string;

  @ApiPropertyOptional({ example: 'Chuyên viên' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ example: 'a.nv@kontum.gov.vn' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

export class UpdateUserRequest {
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 200) fullName?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsString() @Length(1, 200) title?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsEmail() @MaxLength(254) email?: string | null;
  @ApiPropertyOptional({ description: 'Deactivating a user ends all their sessions.' }) @Omittable() @IsBoolean() isActive?: boolean;
  @ApiPropertyOptional({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: `Admin password reset; ends all sessions. ${PASSWORD_RULE}` })
  @IsOptional()
  @IsString()
  @IsAcceptablePassword()
  password?: string;
}

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' }) @IsString() @IsNotEmpty() @MaxLength(PASSWORD_MAX) currentPassword: string;
  @ApiProperty({ format: 'password', minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: PASSWORD_RULE })
  @IsString()
  @IsAcceptablePassword()
  newPassword: string;
}

export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Matches username and full name, ignoring accents and case.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class LoginLockQuery {
  @ApiPropertyOptional({ description: 'A username (its sign-in failures from every address, and its password re-confirmations).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  username?: string;

  @ApiPropertyOptional({ description: 'A client address (IPv6: its /64 network): its failures over every username, and per username.', example: '203.0.113.7' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  address?: string;
}

export class LoginLockView {
  @ApiProperty({ enum: ['login', 'address', 'reauth'], description: 'login: a username from one address; address: an address over every username; reauth: password re-confirmation of a user.' })
  kind: string;
  @ApiProperty({ nullable: true, type: String }) username: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The user, for reauth and for usernames that exist.' }) userId: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ description: 'Failed attempts counted in the window.' }) failures: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Locked (429) until then; null: counted but not locked.' }) lockedUntil: string | null;
  @ApiProperty({ enum: ['redis', 'postgresql'], description: 'Where the counter lives (PostgreSQL while Redis was down).' }) store: string;
}

export class LoginLockList {
  @ApiProperty({ type: [LoginLockView] }) items: LoginLockView[];
}

export class LoginLocksCleared {
  @ApiProperty({ type: [LoginLockView], description: 'The counters and locks removed.' }) cleared: LoginLockView[];
}
