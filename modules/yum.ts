// yum: RPM packages present, latest or absent, with dnf where the host has no
// yum (src/packages/rpm-module.ts).
import { rpmPackageModule } from '../src/packages/rpm-module.js';

export default { ...rpmPackageModule('yum'), summary: 'Manages packages with the yum package manager' };
