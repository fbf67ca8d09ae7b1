import { Controller, Get, Param, Query, Res, Type } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { FILE_FORMATS, FileKind } from '@urrbmi/contracts';
import { templateCsv, templateXlsx, XLSX_TYPE } from '@urrbmi/files';
import { BASE_ROLES, Roles } from '../auth/roles';
import { DomainError } from '../errors/domain-error';
import { ApiErrors } from '../openapi/api-docs.decorators';

interface FileResponse {
  setHeader(name: string, value: string): void;
  send(body: Buffer | string): void;
}

/**
 * `GET /v1/templates/{kind}?format=csv|xlsx` for the uploads a service takes: made from the file
 * formats of libs/contracts, the same definitions its upload endpoints check headers against.
 */
export function templatesController(kinds: readonly FileKind[]): Type<unknown> {
  @ApiTags('file templates')
  @ApiBearerAuth()
  @Controller('v1/templates')
  class TemplatesController {
    @Get(':kind')
    @Roles(...BASE_ROLES)
    @ApiOperation({
      summary:
        'Template of an upload: header and an example row (CSV), plus a sheet explaining each column (XLSX)',
    })
    @ApiParam({ name: 'kind', enum: kinds })
    @ApiQuery({ name: 'format', required: false, enum: ['csv', 'xlsx'] })
    @ApiProduces('text/csv', XLSX_TYPE)
    @ApiOkResponse({ description: 'the template file' })
    @ApiErrors({ 400: ['BAD_QUERY'], 404: ['UNKNOWN_TEMPLATE'] })
    async template(
      @Param('kind') kind: string,
      @Res() res: FileResponse,
      @Query('format') format = 'csv',
    ): Promise<void> {
      if (!(kinds as readonly string[]).includes(kind))
        throw new DomainError(
          'UNKNOWN_TEMPLATE',
          `no template ${kind} here; this service has ${kinds.join(', ')}`,
          404,
        );
      const spec = FILE_FORMATS[kind as FileKind];
      if (format === 'xlsx') {
        res.setHeader('content-type', XLSX_TYPE);
        res.setHeader('content-disposition', `attachment; filename="${kind}.xlsx"`);
        res.send(await templateXlsx(spec));
      } else if (format === 'csv') {
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="${kind}.csv"`);
        res.send(templateCsv(spec));
      } else {
        throw new DomainError('BAD_QUERY', 'format is csv or xlsx', 400);
      }
    }
  }
  return TemplatesController;
}
