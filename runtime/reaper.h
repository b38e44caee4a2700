#pragma once
// pipec is a child subreaper during a run: a job's process that outlives its parent (a
// background `cmd &`, a daemon that called setsid and left the job's process group) is
// re-parented to pipec instead of init. So pipec can reap those zombies, and at the end of
// the run kill whatever is still there: a run leaves no process behind.
#include <sys/types.h>

#include <set>

namespace pipec::runtime {

// Makes this process the subreaper of its descendants (Linux; a no-op elsewhere).
void BecomeSubreaper();

// Reaps exited children that are not in `tracked` (the jobs' main processes, which their
// owners wait for). Never blocks.
void ReapStrays(const std::set<pid_t>& tracked);

// Kills and reaps every remaining child (and, as they die, their re-parented children).
// Returns how many processes were killed.
int KillStrays();

}  // namespace pipec::runtime
