#pragma once
// Container images a pipeline builds or pushes itself. ImagesBuiltByScript reads a shell
// script (GitLab jobs, GitHub `run:`, Pipe); GitHubBuiltImages reads a GitHub workflow:
// docker/build-push-action `tags:` and `docker build -t` / `docker push` / `docker tag` in
// `run:` scripts, with `${{ env.X }}` and `${{ matrix.X }}` replaced by the values the workflow
// gives them. A job that runs such an image under a moving tag runs the project's own product,
// not a third party's (unpinned-image stays silent; issue 14 class g). Tags whose expressions
// cannot be resolved here (`${{ github.sha }}`, step outputs) are left out.
#include <string>
#include <string_view>
#include <vector>

#include "compiler/import/yaml_tree.h"

namespace pipec::import {

// Image references (as tagged) a script builds, tags or pushes: `docker|podman|nerdctl build
// -t X`, `docker push X`, `docker tag SRC X`, buildah, kaniko `executor --destination X`,
// `buildctl` / buildx tags.
std::vector<std::string> ImagesBuiltByScript(std::string_view script);

// The image references (with their tags, as built) one workflow document builds or pushes.
std::vector<std::string> GitHubBuiltImages(const yaml::Node& doc);

}  // namespace pipec::import
