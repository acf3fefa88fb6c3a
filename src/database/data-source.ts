/**
 * The DataSource for the TypeORM CLI (`npm run migration:*`): the same options the app uses.
 * Only this one DataSource is exported, as the CLI requires.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { appLogger } from '../common/logger.js';
import { dataSourceOptions } from './data-source-options.js';

const config = loadConfig();
appLogger.setLevel(config.logLevel);

export default new DataSource(dataSourceOptions(config));
