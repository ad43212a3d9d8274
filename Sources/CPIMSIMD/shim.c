// The classifier is a header-only inline function (include/CPIMSIMD.h); SwiftPM needs one source file.
#include "CPIMSIMD.h"
