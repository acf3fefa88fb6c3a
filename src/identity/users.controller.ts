import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from './auth.decorators.js';
import { CreateUserRequest, UpdateUserRequest, UserListQuery, UserPage, UserView } from './identity.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('identity')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Operation('createUser', 'Create a user account (system administrator)')
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems(401, 403, 409)
  create(@CurrentUser() p: Principal, @Body() body: CreateUserRequest): Promise<UserView> {
    return this.users.create(p, body);
  }

  @Get()
  @Operation('listUsers', 'Find users by username or name (administrators)')
  @ApiOkResponse({ type: UserPage })
  @ApiProblems(401, 403)
  list(@CurrentUser() p: Principal, @Query() q: UserListQuery): Promise<UserPage> {
    return this.users.list(p, q);
  }

  @Get(':id')
  @Operation('getUser', 'A user account (yourself, or any user for administrators)')
  @ApiOkResponse({ type: UserView })
  @ApiProblems(401, 403, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<UserView> {
    return this.users.get(p, id);
  }

  @Patch(':id')
  @Operation('updateUser', 'Edit, deactivate or reset the password of a user (system administrator)')
  @ApiOkResponse({ type: UserView })
  @ApiProblems(401, 403, 404, 422)
  update(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: UpdateUserRequest): Promise<UserView> {
    return this.users.update(p, id, body);
  }
}
