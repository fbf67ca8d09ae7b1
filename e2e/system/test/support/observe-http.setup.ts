// jest setupFilesAfterEnv of the e2e project: record every response from a started service.
import { installHttpObserver } from './observed-http';

installHttpObserver();
