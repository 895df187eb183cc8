// dnf: RPM packages present, latest or absent (src/packages/rpm-module.ts).
import { rpmPackageModule } from '../src/packages/rpm-module.js';

export default { ...rpmPackageModule('dnf'), summary: 'Manages packages with the dnf package manager' };
