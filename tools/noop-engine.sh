#!/bin/sh
# Stands in for Prisma's schema-engine binary, which `prisma generate` looks for (and would try to
# download) although generation itself runs on bundled WebAssembly. Never used to migrate.
exit 0
