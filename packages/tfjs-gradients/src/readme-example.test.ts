import { describeBuiltPackage } from '@cnnkit/build-config/doc-examples';

describeBuiltPackage(new URL('..', import.meta.url));
