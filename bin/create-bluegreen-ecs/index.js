#!/usr/bin/env node
// `npm create bluegreen-ecs` runs this package's one bin: it is generator-bluegreen-ecs's own bin (same version, same
// flags), which reads process.argv, so importing it runs it.
import 'generator-bluegreen-ecs/bin/create-bluegreen-ecs.js';
