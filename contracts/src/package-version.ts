/** This package's version, compiled in like the other bins'. A test holds it equal to package.json's. */
export const PACKAGE_VERSION = '0.2.0';
