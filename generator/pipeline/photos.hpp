// News photos as the site publishes them: each photo of the content is
// encoded again (render/photos.hpp) into a large and a small image, and its
// original too when the news says `publish_original`; the originals
// themselves are never copied. Encoding is costly, so the images are kept in
// the cache folder under a hash of the source's bytes and of the encoder's
// settings: a build re-encodes only photos it has never seen.
#pragma once

#include "model/diagnostics.hpp"
#include "model/model.hpp"
#include "view/view.hpp"
#include "write/write.hpp"

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace shnor::pipeline {

struct PhotoOutputs {
    std::shared_ptr<const view::PublishedPhotos> published = std::make_shared<const view::PublishedPhotos>();
    // The images to write: copied from the cache, or bytes when it is not writable.
    std::vector<write::OutputFile> files;
};

// A photo that cannot be published (corrupt, too big, not an image) is an
// error at its news file's line and field; nothing is published then.
// `reserved`: output paths already taken (copied documents).
PhotoOutputs publish_photos(const model::Site& site, const std::filesystem::path& cache_dir,
                            const std::set<std::string>& reserved, model::Diagnostics& diagnostics);

// Where a photo's images go: beside the photo's content path, `<name>-1600.jpg`
// and `<name>-800.jpg`; a published original keeps its path (its extension
// changed only when its format did).
std::string photo_image_path(const std::string& site_path, const std::string& label, const std::string& format);
std::string photo_original_path(const std::string& site_path, const std::string& format);

}  // namespace shnor::pipeline
