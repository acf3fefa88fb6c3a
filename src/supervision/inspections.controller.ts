import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '../access/principal.js';
import { ApiProblems, Operation } from '../common/openapi.js';
import { IdParam } from '../common/params.js';
import { CurrentUser } from '../identity/auth.decorators.js';
import { ConcludeInspectionRequest, CreateFindingRequest, CreateInspectionRequest, InspectionList, InspectionListQuery, InspectionView } from './inspections.dto.js';
import { InspectionsService } from './inspections.service.js';

@ApiTags('inspections')
@ApiBearerAuth()
@Controller('inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Post()
  @Operation('createInspection', 'Plan an inspection of an agency (documentary or on site)', 'A supervisor of the agency or an ancestor; every inspector supervises the agency too (422 inspector_invalid).')
  @ApiCreatedResponse({ type: InspectionView })
  @ApiProblems(401, 403, 404, 'inspector_invalid')
  async create(@CurrentUser() p: Principal, @Body() body: CreateInspectionRequest, @Res({ passthrough: true }) res: Response): Promise<InspectionView> {
    const view = await this.inspections.create(p, body);
    res.setHeader('Location', `/api/v1/inspections/${view.id}`);
    return view;
  }

  @Get()
  @Operation('listInspections', 'Inspections of an agency and the agencies below it', 'Only inspections of agencies the caller may read (supervisors: their subtree; members: their agency).')
  @ApiOkResponse({ type: InspectionList })
  @ApiProblems(401, 404)
  list(@CurrentUser() p: Principal, @Query() q: InspectionListQuery): Promise<InspectionList> {
    return this.inspections.list(p, q);
  }

  @Get(':id')
  @Operation('getInspection', 'An inspection with its inspectors and findings (and the state of the nonconformity each opened)')
  @ApiOkResponse({ type: InspectionView })
  @ApiProblems(401, 404)
  get(@CurrentUser() p: Principal, @IdParam('id') id: string): Promise<InspectionView> {
    return this.inspections.get(p, id);
  }

  @Post(':id/findings')
  @Operation('addInspectionFinding', 'Record a finding: opens a nonconformity of the inspected agency (source inspection)', 'An inspector of this inspection, while it is planned (409 once concluded).')
  @ApiCreatedResponse({ type: InspectionView })
  @ApiProblems(401, 403, 404, 'inspection_closed')
  addFinding(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: CreateFindingRequest): Promise<InspectionView> {
    return this.inspections.addFinding(p, id, body);
  }

  @Post(':id/conclude')
  @HttpCode(200)
  @Operation('concludeInspection', 'Write the conclusion: no more findings; the inspection closes when every nonconformity it opened is closed', 'An inspector of this inspection.')
  @ApiOkResponse({ type: InspectionView })
  @ApiProblems(401, 403, 404, 'inspection_closed')
  conclude(@CurrentUser() p: Principal, @IdParam('id') id: string, @Body() body: ConcludeInspectionRequest): Promise<InspectionView> {
    return this.inspections.conclude(p, id, body);
  }
}
