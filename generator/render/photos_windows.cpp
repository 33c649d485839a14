// News photos on Windows, through Windows Imaging Component (WIC, part of
// Windows; wine implements it too): the same promises as photos.cpp's libvips
// code (upright, scaled to the same sizes, JPEG or PNG with no metadata at
// all), other bytes (another JPEG encoder, hence kPhotoEncoderVersion's
// "wic"). libvips is not cross-built: docs/windows.md says why.
//
// The image's structure (size, complete or cut short, transparency, EXIF
// orientation) is read from its bytes here, before WIC sees them: a
// decompression bomb is refused without any decoder, and a file cut short is
// refused whatever the installed codec tolerates (a codec may fill the
// missing part with grey; libvips is told to fail on it). The orientation
// comes from the EXIF bytes too: the same on every Windows, whichever
// metadata readers it has.
#ifdef _WIN32

#include "render/photos.hpp"

#include <windows.h>
#include <objbase.h>
#include <wincodec.h>
#include <wrl/client.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <utility>

namespace shnor::render {

namespace {

using Microsoft::WRL::ComPtr;

// The same as photos.cpp's.
constexpr int kQuality = 82;
constexpr int kOriginalQuality = 90;

enum class SourceFormat { jpeg, png, webp, unknown };

SourceFormat sniff(std::string_view bytes) {
    if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") return SourceFormat::jpeg;
    if (bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") return SourceFormat::png;
    if (bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP") return SourceFormat::webp;
    return SourceFormat::unknown;
}

// What the bytes say about the image, before any decoder runs.
struct SourceHeader {
    int width = 0;
    int height = 0;
    bool complete = false;   // the end marker is there (EOI, IEND)
    bool alpha = false;      // PNG with an alpha channel or tRNS (libvips gives both an alpha band)
    int orientation = 1;     // EXIF tag 274 of a JPEG, 1 to 8
};

unsigned byte_at(std::string_view bytes, std::size_t at) { return static_cast<unsigned char>(bytes[at]); }

unsigned big_endian16(std::string_view bytes, std::size_t at) { return byte_at(bytes, at) << 8 | byte_at(bytes, at + 1); }

std::uint32_t big_endian32(std::string_view bytes, std::size_t at) {
    return std::uint32_t{big_endian16(bytes, at)} << 16 | big_endian16(bytes, at + 2);
}

// The orientation tag (274) of IFD0 in an APP1 "Exif" segment's payload; 1 when absent or malformed.
int exif_orientation(std::string_view app1) {
    if (app1.size() < 14 || app1.substr(0, 6) != std::string_view("Exif\0\0", 6)) return 1;
    std::string_view tiff = app1.substr(6);
    bool little = tiff.substr(0, 2) == "II";
    if (!little && tiff.substr(0, 2) != "MM") return 1;
    auto read16 = [&](std::size_t at) {
        return little ? byte_at(tiff, at) | byte_at(tiff, at + 1) << 8 : big_endian16(tiff, at);
    };
    auto read32 = [&](std::size_t at) {
        return little ? std::uint32_t{read16(at)} | std::uint32_t{read16(at + 2)} << 16 : big_endian32(tiff, at);
    };
    std::uint32_t ifd = read32(4);
    if (ifd + 2 > tiff.size()) return 1;
    unsigned entries = read16(ifd);
    for (unsigned n = 0; n < entries; ++n) {
        std::size_t entry = ifd + 2 + std::size_t{n} * 12;
        if (entry + 12 > tiff.size()) return 1;
        if (read16(entry) != 274) continue;
        unsigned value = read16(entry + 8);  // SHORT, count 1: the value is in the entry
        return read16(entry + 2) == 3 && value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
    }
    return 1;
}

// A JPEG's markers: size (SOFn), orientation (APP1 Exif) and whether its end
// (EOI) is there. Entropy-coded data after each SOS is skipped up to the
// next marker that is not a restart (RSTn) or a stuffed 0xFF00.
SourceHeader jpeg_header(std::string_view bytes) {
    SourceHeader header;
    bool orientation_seen = false;
    std::size_t at = 2;  // after SOI
    while (at + 2 <= bytes.size()) {
        if (byte_at(bytes, at) != 0xFF) return header;
        unsigned marker = byte_at(bytes, at + 1);
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD9) {  // EOI
            header.complete = true;
            return header;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
            at += 2;
            continue;
        }
        if (at + 4 > bytes.size()) return header;
        std::size_t length = big_endian16(bytes, at + 2);
        if (length < 2 || at + 2 + length > bytes.size()) return header;
        std::string_view payload = bytes.substr(at + 4, length - 2);
        bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame && payload.size() >= 5) {
            header.height = static_cast<int>(big_endian16(payload, 1));
            header.width = static_cast<int>(big_endian16(payload, 3));
        }
        if (marker == 0xE1 && !orientation_seen && payload.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
            header.orientation = exif_orientation(payload);  // the first Exif segment counts, as for libexif
            orientation_seen = true;
        }
        at += 2 + length;
        if (marker == 0xDA) {
            while (at + 1 < bytes.size()) {
                unsigned next = byte_at(bytes, at + 1);
                if (byte_at(bytes, at) == 0xFF && next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7))
                    break;
                ++at;
            }
        }
    }
    return header;
}

// A PNG's chunks: size (IHDR), transparency (colour type 4 or 6, or tRNS)
// and whether its end (IEND) is there.
SourceHeader png_header(std::string_view bytes) {
    SourceHeader header;
    std::size_t at = 8;  // after the signature
    bool first = true;
    while (at + 12 <= bytes.size()) {
        std::size_t length = big_endian32(bytes, at);
        std::string_view type = bytes.substr(at + 4, 4);
        if (length > bytes.size() - at - 12) return header;
        if (first) {
            if (type != "IHDR" || length < 13) return header;
            header.width = static_cast<int>(std::min<std::uint32_t>(big_endian32(bytes, at + 8), 0x7FFFFFFF));
            header.height = static_cast<int>(std::min<std::uint32_t>(big_endian32(bytes, at + 12), 0x7FFFFFFF));
            unsigned colour_type = byte_at(bytes, at + 17);
            header.alpha = colour_type == 4 || colour_type == 6;
            first = false;
        }
        if (type == "tRNS") header.alpha = true;
        if (type == "IEND") {
            header.complete = true;
            return header;
        }
        at += 12 + length;
    }
    return header;
}

std::string hresult_text(HRESULT status) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08lX", static_cast<unsigned long>(status));
    return text;
}

// A WIC call that must succeed: otherwise the PhotoError `what`, with WIC's code.
void check(HRESULT status, const char* what) {
    if (FAILED(status)) throw PhotoError(std::string(what) + " (WIC: " + hresult_text(status) + ")");
}

// COM for the calling thread (photos may be encoded from worker threads),
// left when the thread ends.
void enter_com() {
    thread_local struct Apartment {
        HRESULT status = ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
        ~Apartment() {
            if (SUCCEEDED(status)) ::CoUninitialize();
        }
    } apartment;
    // A thread already in a single-threaded apartment can use WIC as it is.
    if (FAILED(apartment.status) && apartment.status != RPC_E_CHANGED_MODE)
        throw std::runtime_error("не удалось запустить COM, без него фотографии новостей не публикуются (" +
                                 hresult_text(apartment.status) + ")");
}

ComPtr<IWICImagingFactory> imaging_factory() {
    enter_com();
    ComPtr<IWICImagingFactory> factory;
    HRESULT status = ::CoCreateInstance(CLSID_WICImagingFactory, nullptr, CLSCTX_INPROC_SERVER,
                                        IID_PPV_ARGS(&factory));
    if (FAILED(status))
        throw std::runtime_error("не удалось открыть Windows Imaging Component (windowscodecs.dll), без него "
                                 "фотографии новостей не публикуются (" + hresult_text(status) + ")");
    return factory;
}

// The stored pixel shown at (x, y) of the upright image, for an EXIF
// orientation (TIFF 6.0: where the stored 0th row and column are seen);
// the stored image is `width`×`height`.
std::pair<UINT, UINT> stored_pixel(int orientation, UINT x, UINT y, UINT width, UINT height) {
    switch (orientation) {
        case 2: return {width - 1 - x, y};                   // mirrored
        case 3: return {width - 1 - x, height - 1 - y};      // upside down
        case 4: return {x, height - 1 - y};                  // mirrored upside down
        case 5: return {y, x};                               // transposed
        case 6: return {y, height - 1 - x};                  // turned left: rotate 90° clockwise
        case 7: return {width - 1 - y, height - 1 - x};      // transversed
        case 8: return {width - 1 - y, x};                   // turned right: rotate 90° anticlockwise
        default: return {x, y};
    }
}

// The bitmap turned upright. By hand, not with IWICBitmapFlipRotator: wine's
// does only vertical flips (E_NOTIMPL for the rest), and this way the
// pixels are the same on every Windows.
ComPtr<IWICBitmap> turned_upright(IWICImagingFactory& factory, IWICBitmap& stored, int orientation,
                                  const WICPixelFormatGUID& format, UINT pixel_bytes) {
    UINT width = 0, height = 0;
    check(stored.GetSize(&width, &height), "не удалось обработать изображение");
    UINT upright_width = orientation >= 5 ? height : width, upright_height = orientation >= 5 ? width : height;
    ComPtr<IWICBitmap> upright;
    check(factory.CreateBitmap(upright_width, upright_height, format, WICBitmapCacheOnLoad, &upright),
          "не удалось обработать изображение");
    WICRect all_stored{0, 0, static_cast<INT>(width), static_cast<INT>(height)};
    WICRect all_upright{0, 0, static_cast<INT>(upright_width), static_cast<INT>(upright_height)};
    ComPtr<IWICBitmapLock> from, to;
    check(stored.Lock(&all_stored, WICBitmapLockRead, &from), "не удалось обработать изображение");
    check(upright->Lock(&all_upright, WICBitmapLockWrite, &to), "не удалось обработать изображение");
    UINT from_stride = 0, to_stride = 0, from_size = 0, to_size = 0;
    BYTE *from_pixels = nullptr, *to_pixels = nullptr;
    check(from->GetStride(&from_stride), "не удалось обработать изображение");
    check(to->GetStride(&to_stride), "не удалось обработать изображение");
    check(from->GetDataPointer(&from_size, &from_pixels), "не удалось обработать изображение");
    check(to->GetDataPointer(&to_size, &to_pixels), "не удалось обработать изображение");
    for (UINT y = 0; y < upright_height; ++y) {
        BYTE* row = to_pixels + std::size_t{y} * to_stride;
        for (UINT x = 0; x < upright_width; ++x) {
            auto [stored_x, stored_y] = stored_pixel(orientation, x, y, width, height);
            std::memcpy(row + std::size_t{x} * pixel_bytes,
                        from_pixels + std::size_t{stored_y} * from_stride + std::size_t{stored_x} * pixel_bytes,
                        pixel_bytes);
        }
    }
    return upright;
}

// The source decoded, in BGR (BGRA with alpha), upright, held in memory: the
// renditions are scaled from it.
ComPtr<IWICBitmap> decoded_upright(IWICImagingFactory& factory, std::string_view source, const SourceHeader& header,
                                   SourceFormat format) {
    ComPtr<IWICStream> stream;
    check(factory.CreateStream(&stream), "не удалось обработать изображение");
    // WIC only reads the memory; the API has no const.
    check(stream->InitializeFromMemory(reinterpret_cast<BYTE*>(const_cast<char*>(source.data())),
                                       static_cast<DWORD>(source.size())),
          "не удалось обработать изображение");
    ComPtr<IWICBitmapDecoder> decoder;
    check(factory.CreateDecoderFromStream(stream.Get(), nullptr, WICDecodeMetadataCacheOnDemand, &decoder),
          "изображение повреждено, его не удаётся прочитать");
    GUID container{};
    check(decoder->GetContainerFormat(&container), "изображение повреждено, его не удаётся прочитать");
    if (container != (format == SourceFormat::jpeg ? GUID_ContainerFormatJpeg : GUID_ContainerFormatPng))
        throw PhotoError("изображение повреждено, его не удаётся прочитать");
    ComPtr<IWICBitmapFrameDecode> frame;
    check(decoder->GetFrame(0, &frame), "изображение повреждено, его не удаётся прочитать");
    UINT width = 0, height = 0;
    check(frame->GetSize(&width, &height), "изображение повреждено, его не удаётся прочитать");
    if (width != static_cast<UINT>(header.width) || height != static_cast<UINT>(header.height))
        throw PhotoError("изображение повреждено, его не удаётся прочитать");

    WICPixelFormatGUID pixel_format = header.alpha ? GUID_WICPixelFormat32bppBGRA : GUID_WICPixelFormat24bppBGR;
    ComPtr<IWICFormatConverter> converter;
    check(factory.CreateFormatConverter(&converter), "не удалось обработать изображение");
    check(converter->Initialize(frame.Get(), pixel_format, WICBitmapDitherTypeNone, nullptr, 0.0,
                                WICBitmapPaletteTypeCustom),
          "не удалось перевести цвета изображения в sRGB");
    ComPtr<IWICBitmap> stored;
    check(factory.CreateBitmapFromSource(converter.Get(), WICBitmapCacheOnLoad, &stored),
          "изображение повреждено или не дочитано до конца");
    if (header.orientation == 1) return stored;
    return turned_upright(factory, *stored.Get(), header.orientation, pixel_format, header.alpha ? 4 : 3);
}

// The bytes of an in-memory stream.
std::string stream_bytes(IStream& stream) {
    STATSTG stat{};
    check(stream.Stat(&stat, STATFLAG_NONAME), "не удалось сохранить изображение");
    std::string bytes(static_cast<std::size_t>(stat.cbSize.QuadPart), '\0');
    LARGE_INTEGER start{};
    check(stream.Seek(start, STREAM_SEEK_SET, nullptr), "не удалось сохранить изображение");
    ULONG read = 0;
    check(stream.Read(bytes.data(), static_cast<ULONG>(bytes.size()), &read), "не удалось сохранить изображение");
    bytes.resize(read);
    return bytes;
}

// `image` scaled to exactly `size` (Fant: an area average, as a thumbnail
// wants) and encoded. Nothing but pixels is written: no metadata writer is
// asked for, and none is copied from the source.
EncodedImage encoded(IWICImagingFactory& factory, IWICBitmap& image, ImageSize size, bool png, int quality) {
    UINT width = 0, height = 0;
    check(image.GetSize(&width, &height), "не удалось обработать изображение");
    ComPtr<IWICBitmapSource> pixels = &image;
    if (width != static_cast<UINT>(size.width) || height != static_cast<UINT>(size.height)) {
        ComPtr<IWICBitmapScaler> scaler;
        check(factory.CreateBitmapScaler(&scaler), "не удалось обработать изображение");
        check(scaler->Initialize(&image, size.width, size.height, WICBitmapInterpolationModeFant),
              "не удалось обработать изображение");
        pixels = scaler;
    }
    ComPtr<IStream> memory;
    check(::CreateStreamOnHGlobal(nullptr, TRUE, &memory), "не удалось сохранить изображение");
    ComPtr<IWICBitmapEncoder> encoder;
    check(factory.CreateEncoder(png ? GUID_ContainerFormatPng : GUID_ContainerFormatJpeg, nullptr, &encoder),
          "не удалось сохранить изображение");
    check(encoder->Initialize(memory.Get(), WICBitmapEncoderNoCache), "не удалось сохранить изображение");
    ComPtr<IWICBitmapFrameEncode> frame;
    ComPtr<IPropertyBag2> options;
    check(encoder->CreateNewFrame(&frame, &options), "не удалось сохранить изображение");
    if (!png) {
        PROPBAG2 option{};
        option.pstrName = const_cast<LPOLESTR>(L"ImageQuality");
        VARIANT value{};  // VT_EMPTY, what VariantInit gives
        value.vt = VT_R4;
        value.fltVal = static_cast<float>(quality) / 100.0f;
        check(options->Write(1, &option, &value), "не удалось сохранить изображение");
    }
    check(frame->Initialize(options.Get()), "не удалось сохранить изображение");
    check(frame->SetSize(size.width, size.height), "не удалось сохранить изображение");
    WICPixelFormatGUID pixel_format = png ? GUID_WICPixelFormat32bppBGRA : GUID_WICPixelFormat24bppBGR;
    check(frame->SetPixelFormat(&pixel_format), "не удалось сохранить изображение");
    check(frame->WriteSource(pixels.Get(), nullptr), "не удалось сохранить изображение");
    check(frame->Commit(), "не удалось сохранить изображение");
    check(encoder->Commit(), "не удалось сохранить изображение");
    return {stream_bytes(*memory.Get()), size.width, size.height};
}

}  // namespace

EncodedPhoto encode_photo(std::string_view source, bool with_original) {
    SourceFormat format = sniff(source);
    if (format == SourceFormat::unknown)
        throw PhotoError("это не изображение JPEG, PNG или WebP (фотографии публикуются только в этих форматах)");
    if (format == SourceFormat::webp)
        throw PhotoError("фотографии WebP версия shnor для Windows не публикует (в Windows нет их кодека); "
                         "сохраните фотографию как JPEG или PNG");
    SourceHeader header = format == SourceFormat::jpeg ? jpeg_header(source) : png_header(source);
    if (header.width <= 0 && header.height <= 0 && !header.complete)
        throw PhotoError("изображение повреждено, его не удаётся прочитать");
    if (header.width <= 0 || header.height <= 0) throw PhotoError("у изображения нет размеров");
    auto pixels = static_cast<std::uint64_t>(header.width) * static_cast<std::uint64_t>(header.height);
    if (pixels > kMaxPhotoPixels)
        throw PhotoError("изображение слишком большое: " + std::to_string(header.width) + "×" +
                         std::to_string(header.height) + " точек, допустимо не больше " +
                         std::to_string(kMaxPhotoPixels / 1'000'000) + " мегапикселей; уменьшите его перед публикацией");
    if (!header.complete || source.size() > MAXDWORD)
        throw PhotoError("изображение повреждено или не дочитано до конца");
    int width = header.width, height = header.height;
    if (header.orientation >= 5) std::swap(width, height);  // turned upright

    // One photo at a time, as on Linux: codecs older than Windows 10 (and
    // wine's) are not all safe to use from several threads at once.
    static std::mutex one_at_a_time;
    std::lock_guard lock(one_at_a_time);
    ComPtr<IWICImagingFactory> factory = imaging_factory();
    ComPtr<IWICBitmap> upright = decoded_upright(*factory.Get(), source, header, format);
    bool png = header.alpha;

    EncodedPhoto photo;
    photo.format = png ? "png" : "jpg";
    photo.large = encoded(*factory.Get(), *upright.Get(), fit_long_side(width, height, kPhotoLongSide), png, kQuality);
    if (std::max(photo.large.width, photo.large.height) > kPhotoSmallLongSide)
        photo.small = encoded(*factory.Get(), *upright.Get(), fit_long_side(width, height, kPhotoSmallLongSide), png,
                              kQuality);
    if (with_original) photo.original = encoded(*factory.Get(), *upright.Get(), {width, height}, png, kOriginalQuality);
    return photo;
}

}  // namespace shnor::render

#endif  // _WIN32
